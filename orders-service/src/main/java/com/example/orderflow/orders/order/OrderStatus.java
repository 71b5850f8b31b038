package com.example.orderflow.orders.order;

/** Where an order stands. */
enum OrderStatus {

	/** Accepted: its {@code OrderCreated} is committed to the cluster. */
	CREATED,

	/** Cancelled: its {@code OrderCancelled} is committed to the cluster. */
	CANCELLED

}
