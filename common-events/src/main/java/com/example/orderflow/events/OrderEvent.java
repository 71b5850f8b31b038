package com.example.orderflow.events;

/**
 * What the orders service writes to {@link Topics#ORDERS}: the closed set that every
 * consumer group handles.
 */
public sealed interface OrderEvent extends DomainEvent permits OrderCreated, OrderCancelled {

}
