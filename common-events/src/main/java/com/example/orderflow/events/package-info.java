/**
 * The events every service shares: records on the wire, topic and group names, and the
 * logical type ids that name each record type in its {@code __TypeId__} header.
 */
package com.example.orderflow.events;
