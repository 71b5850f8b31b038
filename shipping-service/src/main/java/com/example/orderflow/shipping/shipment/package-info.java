/**
 * Shipments of orders: a carrier per country, the dispatch day, and the guarantee that a
 * cancelled order is never shipped.
 */
package com.example.orderflow.shipping.shipment;
