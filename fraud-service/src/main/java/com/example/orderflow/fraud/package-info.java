/**
 * The fraud service: its application class; the fraud check lives in the check package.
 */
package com.example.orderflow.fraud;
