/**
 * The trace store of the local system: Zipkin's server as a process
 * ({@link com.example.orderflow.cluster.tracing.TraceStore}) and one order's traces read
 * back from its HTTP API and drawn as a tree
 * ({@link com.example.orderflow.cluster.tracing.OrderTraces}).
 */
package com.example.orderflow.cluster.tracing;
