/**
 * What every orderflow service needs from Kafka, written once: the shared
 * {@code spring.kafka.*} defaults (JSON with logical type ids, {@code acks=all},
 * idempotent and transactional producers, {@code read_committed} consumers) and the value
 * serializer that also carries raw bytes.
 */
package com.example.orderflow.kafka;
