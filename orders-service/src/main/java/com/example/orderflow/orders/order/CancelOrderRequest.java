package com.example.orderflow.orders.order;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The optional body of {@code POST /api/orders/{id}/cancel}.
 *
 * @param reason why, in the caller's words, which may span lines; an unpaired surrogate
 * is refused because it has no UTF-8 form
 */
record CancelOrderRequest(@Nullable @Size(max = 500) @Pattern(regexp = "[^\\p{Cs}]*",
		message = "must not contain unpaired surrogates") String reason) {

}
