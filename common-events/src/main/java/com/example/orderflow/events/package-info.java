/**
 * The events every service shares: records on the wire, topic and group names, and the
 * logical type ids that name each record type in its {@code __TypeId__} header; the
 * provenance headers on every output and
 * {@link com.example.orderflow.events.HandlingRuns}, the check that reads them back (who
 * handled each input), shared by the services' tests and the demo's drills.
 */
package com.example.orderflow.events;
