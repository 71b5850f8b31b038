/**
 * The notification service: its application class; customer notifications live in the
 * customer package.
 */
package com.example.orderflow.notification;
