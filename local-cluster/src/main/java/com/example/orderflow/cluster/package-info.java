/**
 * A real three-node Kafka cluster in KRaft mode, each node a {@code kafka.Kafka} process
 * of its own started from the Maven Central jars: no Docker, and a {@code kill -9} of one
 * node is a real broker failure.
 */
package com.example.orderflow.cluster;
