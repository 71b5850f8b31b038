/**
 * The integration-test template: a real Kafka for Spring Boot tests (Testcontainers where
 * a Docker engine runs, an in-JVM 3-broker KRaft cluster otherwise) and helpers that read
 * it. Lift this package into your own service's tests.
 */
package com.example.orderflow.testsupport;
