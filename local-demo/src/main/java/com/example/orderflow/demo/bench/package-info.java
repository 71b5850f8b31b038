/**
 * The benchmark behind {@code ./demo bench}: raw Kafka measured on the same cluster in
 * the same run, then the services' ingest, pipeline latency per group, start time and
 * memory, each figure reported as a ratio to its raw baseline.
 */
package com.example.orderflow.demo.bench;
