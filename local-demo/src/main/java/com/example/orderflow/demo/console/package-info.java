/**
 * The demo's web console: a page on 127.0.0.1 that {@code ./demo up} serves beside the
 * system, live without reloading (server-sent events: each change, at least once a
 * second), drawn from the cluster's Admin API and the services' HTTP endpoints, with
 * actions that take the same code paths as the CLI.
 * {@link com.example.orderflow.demo.console.Console} is where to start reading.
 */
package com.example.orderflow.demo.console;
