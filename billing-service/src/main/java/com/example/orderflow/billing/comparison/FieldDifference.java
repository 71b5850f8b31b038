package com.example.orderflow.billing.comparison;

/**
 * One compared field whose values differ.
 *
 * @param field the field, for example {@code tax} or {@code lines[1].tax}
 * @param v1 its value on the live topic ({@code invoices})
 * @param v2 its value on the shadow topic ({@code invoices-v2})
 */
record FieldDifference(String field, String v1, String v2) {

}
