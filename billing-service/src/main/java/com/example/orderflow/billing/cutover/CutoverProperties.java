package com.example.orderflow.billing.cutover;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a cut-over waits.
 *
 * @param groupTimeout for the old writer's group to empty, and for the new writer's group
 * to get a member; the old writer first finishes the batch it polled (up to
 * {@code max.poll.records}, one transaction each), which takes a minute or more when it
 * is far behind on a busy machine
 */
@ConfigurationProperties("billing.cutover")
record CutoverProperties(@DefaultValue("3m") Duration groupTimeout) {

}
