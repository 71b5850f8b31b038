/**
 * Verified drills on a running system: scaling a consumer group, killing and restarting
 * brokers, losing two of three, a rolling restart, an open-loop order load, and the
 * checks behind each of them, read from the cluster itself.
 */
package com.example.orderflow.cluster.drill;
