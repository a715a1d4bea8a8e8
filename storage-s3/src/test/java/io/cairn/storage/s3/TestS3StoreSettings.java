package io.cairn.storage.s3;

import io.cairn.store.contract.AbstractStoreSettingsTest;

import java.net.URI;
import java.util.Map;

/**
 * The lookup order every store shares, through the S3 store's configuration.
 */
class TestS3StoreSettings
        extends AbstractStoreSettingsTest
{
    TestS3StoreSettings()
    {
        super("s3", S3StoreProperties.MAX_ATTEMPTS, "s3://bucket/prefix");
    }

    @Override
    protected int read(URI uri, Map<String, String> options, Map<String, String> systemProperties, Map<String, String> environment)
    {
        return S3StoreConfig.from(uri, options, S3StoreConfig.settings().systemProperties(systemProperties).environment(environment)).maxAttempts();
    }
}
