package com.example.orderflow.orders.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Reads a request body only if it is well-formed UTF-8, the encoding JSON between systems
 * must have (RFC 8259). Jackson's own decoder accepts overlong forms, such as
 * {@code C0 AF} for {@code /}, so without this check a body could say one thing to
 * anything that inspects its bytes and another to this service. A body that declares
 * another charset is left to the converter. The body is already bounded by
 * {@link RequestBodyLimitFilter}, so reading it into memory is safe.
 */
@ControllerAdvice
class Utf8RequestBodies extends RequestBodyAdviceAdapter {

	@Override
	public boolean supports(MethodParameter methodParameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) {
		return true;
	}

	@Override
	public HttpInputMessage beforeBodyRead(HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
		MediaType contentType = inputMessage.getHeaders().getContentType();
		Charset charset = (contentType != null) ? contentType.getCharset() : null;
		if (charset != null && !StandardCharsets.UTF_8.equals(charset)) {
			return inputMessage;
		}
		byte[] body = inputMessage.getBody().readAllBytes();
		ByteBuffer bytes = ByteBuffer.wrap(body);
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
		CoderResult result = decoder.decode(bytes, CharBuffer.allocate(body.length), true);
		if (result.isError()) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"The request body is not valid UTF-8: malformed bytes at offset " + bytes.position() + ".");
			throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
		}
		HttpHeaders headers = inputMessage.getHeaders();
		return new HttpInputMessage() {

			@Override
			public InputStream getBody() {
				return new ByteArrayInputStream(body);
			}

			@Override
			public HttpHeaders getHeaders() {
				return headers;
			}

		};
	}

}
