/**
 * The orderflow services as child processes: one Spring Boot jar per process, started
 * against the local cluster, watched through its readiness probe, stopped like a
 * container would be.
 */
package com.example.orderflow.cluster.service;
