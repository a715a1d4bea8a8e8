package io.cairn.storage.s3;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the S3 client retries beyond the SDK's own rules, in the shapes the SDK hands failures over.
 */
class TestS3Errors
{
    @Test
    void anAttemptTimeoutIsRetriedAlsoWhenNettyWrapsIt()
    {
        ApiCallAttemptTimeoutException timeout = ApiCallAttemptTimeoutException.create(600);
        // the shape of a timer firing while Netty holds the request (FutureCancelledException is Netty-internal)
        SdkClientException wrapped = SdkClientException.create("Unable to execute HTTP request: " + timeout.getMessage(), new RuntimeException(timeout));

        assertThat(S3Errors.isRetryableFailure(timeout)).isTrue();
        assertThat(S3Errors.isRetryableFailure(wrapped)).isTrue();
        assertThat(S3Errors.isRetryableFailure(new CompletionException(wrapped))).isTrue();
    }

    @Test
    void aResponseCutInItsHeadersIsRetriedAndAnswersOfTheServerAreNot()
    {
        assertThat(S3Errors.isRetryableFailure(AwsServiceException.builder().statusCode(999).message("Unknown").build())).isTrue();
        assertThat(S3Errors.isRetryableFailure(AwsServiceException.builder().statusCode(412).message("PreconditionFailed").build())).isFalse();
        assertThat(S3Errors.isRetryableFailure(AwsServiceException.builder().statusCode(403).message("AccessDenied").build())).isFalse();
        assertThat(S3Errors.isRetryableFailure(SdkClientException.create("Unable to load credentials", new IOException("none")))).isFalse();
        assertThat(S3Errors.isRetryableFailure(new CompletionException(new TimeoutException("not the SDK's attempt timeout")))).isFalse();
    }
}
