/**
 * Customer notifications: what a customer is told about their order, and the channel that
 * delivers it.
 */
package com.example.orderflow.notification.customer;
