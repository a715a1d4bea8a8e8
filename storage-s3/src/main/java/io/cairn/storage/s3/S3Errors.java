package io.cairn.storage.s3;

import io.cairn.core.store.StoreErrors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static java.util.Objects.requireNonNull;

/**
 * Turns SDK failures into {@link IOException}s that name the bucket and key and say what to do.
 * Messages never contain credentials: they name the endpoint and the bucket, not the settings.
 */
final class S3Errors
{
    private final S3StoreConfig config;

    S3Errors(S3StoreConfig config)
    {
        this.config = requireNonNull(config, "config is null");
    }

    IOException map(Throwable failure, String action, String objectKey)
    {
        Throwable cause = unwrap(failure);
        String where = config.objectUri(objectKey);
        String endpoint = config.endpoint().map(URI::toString).orElse("AWS");
        if (cause instanceof AwsServiceException service) {
            String code = errorCode(service).orElse("");
            int status = service.statusCode();
            String advice;
            if (cause instanceof NoSuchBucketException || code.equals("NoSuchBucket")) {
                advice = "bucket " + config.bucket() + " does not exist at " + endpoint + "; create it, or fix the bucket in --store";
            }
            else if (code.equals("ExpiredToken") || code.equals("TokenRefreshRequired") || code.equals("RequestExpired")) {
                advice = "the credentials have expired; refresh them (e.g. aws sso login) and retry";
            }
            else if (code.equals("InvalidAccessKeyId") || code.equals("SignatureDoesNotMatch")) {
                advice = "the credentials were rejected (" + code + "); check the access key id and secret";
            }
            else if (status == 403 || code.equals("AccessDenied")) {
                advice = "access denied; the credentials need s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket on " + config.bucket();
            }
            else if (status == 301 || code.equals("PermanentRedirect") || code.equals("AuthorizationHeaderMalformed")) {
                advice = "the bucket is in another region; set region (" + code + ")";
            }
            else if (isCutResponseHead(cause)) {
                advice = "the connection to " + endpoint + " was cut while the response headers arrived, on every attempt; check the network and retry";
            }
            else {
                advice = "the server answered " + status + " " + code + ": " + service.awsErrorDetails().errorMessage();
            }
            return new IOException("Cannot " + action + " " + where + ": " + advice, cause);
        }
        if (cause instanceof SdkClientException && String.valueOf(cause.getMessage()).startsWith("Unable to load credentials")) {
            return new IOException("Cannot " + action + " " + where + ": no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, "
                    + "or the settings " + S3StoreProperties.ACCESS_KEY_ID + " and " + S3StoreProperties.SECRET_ACCESS_KEY, cause);
        }
        if (cause instanceof SdkClientException) {
            return new IOException("Cannot " + action + " " + where + ": cannot reach the S3 endpoint " + endpoint + " (" + StoreErrors.firstLine(cause)
                    + "); check the endpoint setting and the network", cause);
        }
        if (cause instanceof IOException io) {
            return new IOException("Cannot " + action + " " + where + ": " + io.getMessage(), io);
        }
        return new IOException("Cannot " + action + " " + where + ": " + StoreErrors.firstLine(cause), cause);
    }

    static boolean isNotFound(Throwable failure)
    {
        Throwable cause = unwrap(failure);
        return cause instanceof NoSuchKeyException
                || (cause instanceof AwsServiceException service && service.statusCode() == 404 && !errorCode(service).orElse("").equals("NoSuchBucket")
                && !(cause instanceof NoSuchBucketException));
    }

    /**
     * Netty turns a response cut within its headers into status 999 "Unknown", which the SDK takes for
     * the server's answer and does not retry; it is a network failure, worth retrying like a reset.
     */
    static boolean isCutResponseHead(Throwable failure)
    {
        return unwrap(failure) instanceof AwsServiceException service && service.statusCode() == 999;
    }

    /**
     * An attempt that ran out of its time ({@code api-call-attempt-timeout}). The SDK retries one that
     * fails as {@link ApiCallAttemptTimeoutException}; when the timer fires while Netty still holds the
     * request, the same timeout arrives wrapped (in Netty's {@code FutureCancelledException}) and the SDK
     * does not recognise it, which ended saves after 2 of 8 attempts under stalls: it is retried too.
     */
    static boolean isTimedOutAttempt(Throwable failure)
    {
        return StoreErrors.causes(failure).stream().anyMatch(ApiCallAttemptTimeoutException.class::isInstance);
    }

    /**
     * What the client retries beyond the SDK's own rules.
     */
    static boolean isRetryableFailure(Throwable failure)
    {
        return isCutResponseHead(failure) || isTimedOutAttempt(failure);
    }

    static boolean isPreconditionFailed(Throwable failure)
    {
        return unwrap(failure) instanceof AwsServiceException service && service.statusCode() == 412;
    }

    /**
     * AWS answers 409 ConditionalRequestConflict while another conditional write of the key is in flight.
     */
    static boolean isConditionalConflict(Throwable failure)
    {
        return unwrap(failure) instanceof AwsServiceException service && service.statusCode() == 409
                && errorCode(service).orElse("").equals("ConditionalRequestConflict");
    }

    static boolean isInvalidRange(Throwable failure)
    {
        return unwrap(failure) instanceof AwsServiceException service && service.statusCode() == 416;
    }

    static boolean isAccessDenied(Throwable failure)
    {
        return unwrap(failure) instanceof AwsServiceException service && service.statusCode() == 403
                && errorCode(service).orElse("AccessDenied").equals("AccessDenied");
    }

    private static Optional<String> errorCode(AwsServiceException service)
    {
        return Optional.ofNullable(service.awsErrorDetails()).map(details -> details.errorCode());
    }

    static Throwable unwrap(Throwable failure)
    {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Waits for a request of the async client; an interrupt cancels it.
     */
    static <T> T join(CompletableFuture<T> future)
            throws ExecutionException
    {
        try {
            return future.get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new CompletionException(e);
        }
    }
}
