package com.example.orderflow.billing;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Billing: one consumer group on the orders topic that issues and voids invoices. The
 * same jar runs as the live v1 or, with {@code billing.version=v2}, as the shadow v2.
 */
@SpringBootApplication
public class BillingApplication {

	public static void main(String[] args) {
		SpringApplication.run(BillingApplication.class, args);
	}

}
