/**
 * The billing service: its application class; the invoicing lives in the invoice package.
 */
package com.example.orderflow.billing;
