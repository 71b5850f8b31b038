package com.example.orderflow.kafka.observability;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the {@code kafka} health contributor asks the cluster.
 *
 * @param timeout how long one check waits for the cluster before it reports it
 * unreachable
 * @param cacheFor how long a result is reused, so frequent health calls cost the cluster
 * nothing
 */
@ConfigurationProperties("orderflow.health.kafka")
record KafkaHealthProperties(@DefaultValue("2s") Duration timeout, @DefaultValue("5s") Duration cacheFor) {

}
