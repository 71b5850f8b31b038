/**
 * Traces across Kafka: the trace context a record carries in its headers, from the
 * producer's span to each consumer's.
 */
package com.example.orderflow.kafka.tracing;
