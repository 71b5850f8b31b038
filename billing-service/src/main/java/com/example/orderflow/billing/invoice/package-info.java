/**
 * Invoicing of orders: tax per shipping country, the pricing rule of each billing
 * version, and the invoice events written to that version's topic.
 */
package com.example.orderflow.billing.invoice;
