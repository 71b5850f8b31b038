/**
 * End-to-end tests against the real thing: three Kafka broker processes and every service
 * jar running as its own process, driven over HTTP and checked from Kafka itself.
 */
package com.example.orderflow.system;
