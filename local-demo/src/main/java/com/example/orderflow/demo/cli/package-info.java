/**
 * The {@code ./demo} command line: start the cluster and the services, show the cluster's
 * state, place sample orders and show every consumer group receiving them, drive one
 * order through the failure path ({@link com.example.orderflow.demo.drill.FailureDrill}),
 * stop and clean up again.
 */
package com.example.orderflow.demo.cli;
