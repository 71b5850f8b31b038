/**
 * Orders: the HTTP API, the in-memory order book, idempotent placement and the one
 * outbound class that writes order events to Kafka.
 */
package com.example.orderflow.orders.order;
