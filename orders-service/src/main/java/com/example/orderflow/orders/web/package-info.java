/**
 * What every endpoint shares on the way in and out: a request body size limit and errors
 * rendered as RFC 9457 problem details.
 */
package com.example.orderflow.orders.web;
