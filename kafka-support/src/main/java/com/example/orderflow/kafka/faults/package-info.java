/**
 * Faults you can switch on, per consumer service and at runtime: fail a share of records
 * a few times (they recover through the retry path) or every record that carries a marker
 * (it walks the whole retry path into the dead-letter topic), so the demo and the tests
 * can drive every failure path. Off by default.
 */
package com.example.orderflow.kafka.faults;
