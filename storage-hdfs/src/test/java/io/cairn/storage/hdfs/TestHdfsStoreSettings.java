package io.cairn.storage.hdfs;

import io.cairn.store.contract.AbstractStoreSettingsTest;

import java.net.URI;
import java.util.Map;

/**
 * The lookup order every store shares, through the HDFS store's configuration.
 */
class TestHdfsStoreSettings
        extends AbstractStoreSettingsTest
{
    TestHdfsStoreSettings()
    {
        super("hdfs", HdfsStoreProperties.REPLICATION, "hdfs://nn:8020/repo");
    }

    @Override
    protected int read(URI uri, Map<String, String> options, Map<String, String> systemProperties, Map<String, String> environment)
    {
        return HdfsStoreConfig.from("hdfs", uri, options, HdfsStoreConfig.settings().systemProperties(systemProperties).environment(environment), environment).replication();
    }
}
