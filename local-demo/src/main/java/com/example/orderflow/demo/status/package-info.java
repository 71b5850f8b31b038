/**
 * What the cluster looks like right now, read only through the Admin API: brokers and the
 * active controller, every partition's leader and in-sync replicas, and each consumer
 * group on {@code orders} with its members and lag, rendered as text.
 */
package com.example.orderflow.demo.status;
