/**
 * The fraud check: small rules that each add risk points to an order or its customer, and
 * the thresholds that turn the score into approve, review or reject.
 */
package com.example.orderflow.fraud.check;
