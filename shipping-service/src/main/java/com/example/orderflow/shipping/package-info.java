/**
 * The shipping service: its application class; the shipments live in the shipment
 * package.
 */
package com.example.orderflow.shipping;
