/**
 * What operators see of a service's Kafka side: readiness that follows the listener
 * containers ({@code kafkaListeners}), the cluster's reachability ({@code kafka}), and
 * where consumer lag comes from.
 */
package com.example.orderflow.kafka.observability;
