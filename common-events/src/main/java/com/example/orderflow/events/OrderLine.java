package com.example.orderflow.events;

/**
 * One line of an order.
 *
 * @param sku the stock keeping unit
 * @param quantity how many, at least one
 * @param unitPrice the price of one unit
 */
public record OrderLine(String sku, int quantity, Money unitPrice) {

	public Money lineTotal() {
		return this.unitPrice.times(this.quantity);
	}

}
