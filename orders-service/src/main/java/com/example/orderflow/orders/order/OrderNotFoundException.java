package com.example.orderflow.orders.order;

import java.util.UUID;

/** No order with this id was accepted by this instance. */
class OrderNotFoundException extends RuntimeException {

	OrderNotFoundException(UUID orderId) {
		super("No order " + orderId);
	}

}
