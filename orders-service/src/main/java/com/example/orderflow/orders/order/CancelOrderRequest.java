package com.example.orderflow.orders.order;

import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The optional body of {@code POST /api/orders/{id}/cancel}.
 *
 * @param reason why, in the caller's words
 */
record CancelOrderRequest(@Nullable @Size(max = 500) String reason) {

}
