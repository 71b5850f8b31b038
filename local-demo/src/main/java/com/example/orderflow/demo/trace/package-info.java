/**
 * One order's traces, read back from the trace store's HTTP API (Zipkin's, which
 * {@code ./demo up} runs) and drawn as a tree in the terminal: {@code ./demo trace
 * <orderId>} and the tour's exactly-once step.
 */
package com.example.orderflow.demo.trace;
