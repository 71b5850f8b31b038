/**
 * The DLQ consumer every consumer service shares: it reads the group's dead-letter topic
 * into an index of parked records, lists them, and replays one or all into the group's
 * own first retry topic, never twice and never into {@code orders}.
 */
package com.example.orderflow.kafka.deadletter;
