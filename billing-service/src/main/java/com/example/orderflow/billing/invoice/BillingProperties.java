package com.example.orderflow.billing.invoice;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this instance of billing runs.
 *
 * @param version {@code v1} (the live group) or {@code v2} (the shadow group)
 */
@ConfigurationProperties("billing")
record BillingProperties(@DefaultValue("v1") BillingVersion version) {

}
