package com.example.orderflow.events;

/**
 * One line of an invoice.
 *
 * @param sku the stock keeping unit
 * @param quantity how many
 * @param unitPrice the net price of one unit
 * @param net quantity times unit price
 * @param tax the tax on this line
 */
public record InvoiceLine(String sku, int quantity, Money unitPrice, Money net, Money tax) {

}
