/**
 * The trace store of the local system: Zipkin's server as a process
 * ({@link com.example.orderflow.cluster.tracing.TraceStore}), started beside the services
 * with the arguments that make them export to it. local-demo reads an order's traces back
 * from it ({@code demo.trace.OrderTraces}).
 */
package com.example.orderflow.cluster.tracing;
