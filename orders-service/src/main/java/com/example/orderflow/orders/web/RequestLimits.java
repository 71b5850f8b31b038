package com.example.orderflow.orders.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on what a request may carry.
 *
 * @param maxRequestBody the largest request body accepted; anything larger is answered
 * 413 before it is parsed
 */
@ConfigurationProperties("orderflow.web")
record RequestLimits(@DefaultValue("64KB") DataSize maxRequestBody) {

	RequestLimits {
		if (maxRequestBody.toBytes() < 0 || maxRequestBody.toBytes() >= Integer.MAX_VALUE) {
			throw new IllegalArgumentException("orderflow.web.max-request-body must be between 0 and 2 GB");
		}
	}

}
