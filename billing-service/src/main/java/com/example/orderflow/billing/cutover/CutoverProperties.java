package com.example.orderflow.billing.cutover;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a cut-over waits.
 *
 * @param groupTimeout for the old writer's group to empty, and for the new writer's group
 * to get a member
 */
@ConfigurationProperties("billing.cutover")
record CutoverProperties(@DefaultValue("60s") Duration groupTimeout) {

}
