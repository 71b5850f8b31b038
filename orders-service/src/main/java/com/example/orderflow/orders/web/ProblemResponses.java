package com.example.orderflow.orders.web;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.MatrixVariable;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Renders every error as an RFC 9457 problem detail. Spring MVC's own exceptions (415,
 * 405, 406, ...) get their standard problem; on top of that, a 400 says which fields are
 * at fault in an {@code errors} property, {@code [{"field": "lines[0].quantity",
 * "message": "..."}]}, so a client can point at them.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

	static final String ERRORS = "errors";

	@Override
	protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldProblem> errors = new ArrayList<>();
		addAll(errors, ex.getBindingResult());
		return invalid(ex, errors, headers, status, request);
	}

	/**
	 * Raised instead of the above when a handler also constrains a header or a path
	 * variable: one response then names the faults of every parameter.
	 */
	@Override
	protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
			HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldProblem> errors = new ArrayList<>();
		ex.visitResults(new HandlerMethodValidationException.Visitor() {

			@Override
			public void requestHeader(RequestHeader header, ParameterValidationResult result) {
				addAll(errors, nameOf(header.name(), result), result.getResolvableErrors());
			}

			@Override
			public void requestParam(@Nullable RequestParam param, ParameterValidationResult result) {
				addAll(errors, nameOf((param != null) ? param.name() : "", result), result.getResolvableErrors());
			}

			@Override
			public void pathVariable(PathVariable variable, ParameterValidationResult result) {
				addAll(errors, nameOf(variable.name(), result), result.getResolvableErrors());
			}

			@Override
			public void cookieValue(CookieValue cookie, ParameterValidationResult result) {
				addAll(errors, nameOf(cookie.name(), result), result.getResolvableErrors());
			}

			@Override
			public void matrixVariable(MatrixVariable variable, ParameterValidationResult result) {
				addAll(errors, nameOf(variable.name(), result), result.getResolvableErrors());
			}

			@Override
			public void requestBody(RequestBody body, ParameterErrors result) {
				addAll(errors, result);
			}

			@Override
			public void modelAttribute(@Nullable ModelAttribute attribute, ParameterErrors result) {
				addAll(errors, result);
			}

			@Override
			public void requestPart(RequestPart part, ParameterErrors result) {
				addAll(errors, result);
			}

			@Override
			public void other(ParameterValidationResult result) {
				addAll(errors, nameOf("", result), result.getResolvableErrors());
			}

		});
		return invalid(ex, errors, headers, status, request);
	}

	/**
	 * Malformed JSON, a value of the wrong type, or an unknown property (most likely a
	 * typo, so it is not ignored): 400, naming the field from Jackson's path where there
	 * is one.
	 */
	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail body = ProblemDetail.forStatus(status);
		JacksonException jackson = jacksonCause(ex);
		if (jackson instanceof UnrecognizedPropertyException unknown) {
			body.setDetail("Unknown property '" + unknown.getPropertyName() + "'.");
			body.setProperty(ERRORS, List.of(new FieldProblem(pathOf(unknown), "is not a known property")));
		}
		else if (jackson instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
			body.setDetail("A value has the wrong type.");
			body.setProperty(ERRORS, List.of(new FieldProblem(pathOf(mismatch), expected(mismatch.getTargetType()))));
		}
		else if (jackson instanceof StreamReadException malformed) {
			body.setDetail("Malformed JSON" + where(malformed.getLocation()) + ": " + malformed.getOriginalMessage());
		}
		else if (jackson != null && !jackson.getPath().isEmpty()) {
			body.setDetail("A value could not be read.");
			body.setProperty(ERRORS, List.of(new FieldProblem(pathOf(jackson), "could not be read")));
		}
		else if (jackson == null && ex.getMessage() != null && ex.getMessage().startsWith("Required request body")) {
			body.setDetail("The request body is missing.");
		}
		else {
			body.setDetail("The request body is not valid JSON for this endpoint.");
		}
		return handleExceptionInternal(ex, body, headers, status, request);
	}

	/** Anything unforeseen is still a problem detail, and says nothing internal. */
	@ExceptionHandler
	@Nullable ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
		this.logger.error("Unexpected failure handling " + request.getDescription(false), ex);
		HttpStatus status = HttpStatus.INTERNAL_SERVER_ERROR;
		return handleExceptionInternal(ex,
				ProblemDetail.forStatusAndDetail(status, "Something went wrong on our side."), new HttpHeaders(),
				status, request);
	}

	private @Nullable ResponseEntity<Object> invalid(Exception ex, List<FieldProblem> errors, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(status, "The request is invalid: " + errors.size()
				+ ((errors.size() == 1) ? " field is" : " fields are") + " at fault, see errors.");
		body.setProperty(ERRORS, errors);
		return handleExceptionInternal(ex, body, headers, status, request);
	}

	private static void addAll(List<FieldProblem> errors, Errors result) {
		for (ObjectError error : result.getAllErrors()) {
			String field = (error instanceof FieldError fieldError) ? fieldError.getField() : error.getObjectName();
			errors.add(new FieldProblem(field, String.valueOf(error.getDefaultMessage())));
		}
	}

	private static void addAll(List<FieldProblem> errors, String name,
			Collection<? extends MessageSourceResolvable> messages) {
		for (MessageSourceResolvable message : messages) {
			errors.add(new FieldProblem(name, String.valueOf(message.getDefaultMessage())));
		}
	}

	private static String nameOf(String declared, ParameterValidationResult result) {
		if (!declared.isEmpty()) {
			return declared;
		}
		String name = result.getMethodParameter().getParameterName();
		return (name != null) ? name : "argument " + result.getMethodParameter().getParameterIndex();
	}

	private static @Nullable JacksonException jacksonCause(Throwable exception) {
		for (Throwable cause = exception; cause != null; cause = (cause.getCause() != cause) ? cause.getCause()
				: null) {
			if (cause instanceof JacksonException jackson) {
				return jackson;
			}
		}
		return null;
	}

	/** Jackson's path in the notation Bean Validation uses: {@code lines[0].quantity}. */
	private static String pathOf(JacksonException exception) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : exception.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static String expected(@Nullable Class<?> type) {
		if (type == null) {
			return "has the wrong type";
		}
		if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
			return "must be a whole number";
		}
		if (type == BigDecimal.class || Number.class.isAssignableFrom(type)) {
			return "must be a decimal number, as a JSON number or string";
		}
		if (type == String.class) {
			return "must be a string";
		}
		if (type.isEnum()) {
			return "must be one of the known values";
		}
		if (Collection.class.isAssignableFrom(type) || type.isArray()) {
			return "must be an array";
		}
		return "must be an object";
	}

	private static String where(@Nullable TokenStreamLocation location) {
		if (location == null || location.getLineNr() < 0) {
			return "";
		}
		return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
	}

	/**
	 * One field at fault.
	 *
	 * @param field the path to it, as in {@code lines[0].quantity}, or the header name
	 * @param message what is wrong with it
	 */
	record FieldProblem(String field, String message) {

	}

}
