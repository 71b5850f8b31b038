/**
 * The orders service: its REST API turns accepted orders and cancellations into keyed
 * events on the {@code orders} topic.
 */
package com.example.orderflow.orders;
