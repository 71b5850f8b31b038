/**
 * Verified drills on a running system: scaling a consumer group, killing and restarting
 * brokers, losing two of three, a rolling restart, one order through the retry topics,
 * dead-letter topic and replay ({@code ./demo failures}), an open-loop order load, and
 * the checks behind each of them, read from the cluster itself.
 */
package com.example.orderflow.demo.drill;
