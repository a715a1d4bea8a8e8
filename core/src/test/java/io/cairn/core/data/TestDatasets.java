package io.cairn.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestDatasets
{
    @TempDir
    Path directory;

    @Test
    void csvSkipsTheHeaderAndTurnsTheClassIndexIntoOneHot()
            throws IOException
    {
        Path file = csv("x1,x2,label",
                "0.5,-1.25,2",
                "3,4,0",
                "",
                " 7 , 8 , 1 ");

        Dataset data = Datasets.csv(file, 3);

        assertThat(data.size()).isEqualTo(3);
        assertThat(data.featureCount()).isEqualTo(2);
        assertThat(data.labelCount()).isEqualTo(3);
        assertThat(data.description()).isEqualTo("csv:" + file);
        TestDataset.Rows rows = TestDataset.Rows.all(data);
        assertThat(rows.features()).isDeepEqualTo(new float[][] {{0.5f, -1.25f}, {3, 4}, {7, 8}});
        assertThat(rows.labels()).isDeepEqualTo(new float[][] {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}});
    }

    @Test
    void csvWithoutHeaderKeepsTheFirstLine()
            throws IOException
    {
        Dataset data = Datasets.csv(csv("1,2,0", "3,4,1"), 2);

        assertThat(data.size()).isEqualTo(2);
        assertThat(TestDataset.Rows.all(data).features()).isDeepEqualTo(new float[][] {{1, 2}, {3, 4}});
    }

    @Test
    void csvNamesFileAndLineOfANonNumericCell()
            throws IOException
    {
        Path file = csv("a,b,class", "1,2,0", "3,x,1");

        assertThatThrownBy(() -> Datasets.csv(file, 2))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 3")
                .hasMessageContaining("not a number");
    }

    @Test
    void csvNamesFileAndLineOfAnEmptyCell()
            throws IOException
    {
        Path file = csv("1,2,0", "3,,1");

        assertThatThrownBy(() -> Datasets.csv(file, 2))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file + " line 2");
    }

    @Test
    void csvNamesFileLineAndValueOfAClassIndexOutOfRange()
            throws IOException
    {
        Path file = csv("1,2,0", "", "3,4,3");

        assertThatThrownBy(() -> Datasets.csv(file, 3))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file + " line 3")
                .hasMessageContaining("from 0 to 2")
                .hasMessageContaining("got 3");
        assertThatThrownBy(() -> Datasets.csv(csv("1,2,-1"), 3))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("got -1");
        assertThatThrownBy(() -> Datasets.csv(csv("1,2,0.5"), 3))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("got 0.5");
        assertThatThrownBy(() -> Datasets.csv(csv("1,2,NaN"), 3))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("got NaN");
    }

    @Test
    void csvNamesFileAndLineOfARaggedRow()
            throws IOException
    {
        Path file = csv("a,b,class", "1,2,0", "3,4,5,1");

        assertThatThrownBy(() -> Datasets.csv(file, 2))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file + " line 3")
                .hasMessageContaining("expected 3 columns")
                .hasMessageContaining("got 4");
    }

    @Test
    void csvNeedsAFeatureColumnBesidesTheClass()
            throws IOException
    {
        Path file = csv("0", "1");

        assertThatThrownBy(() -> Datasets.csv(file, 2))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file + " line 1");
    }

    @Test
    void missingCsvFileIsAnIoExceptionNamingIt()
    {
        Path missing = directory.resolve("missing.csv");

        assertThatThrownBy(() -> Datasets.csv(missing, 2))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> Datasets.csv(directory, 2))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(directory.toString());
    }

    @Test
    void csvWithOnlyAHeaderHasNoSamples()
            throws IOException
    {
        Path file = csv("a,b,class", "");

        assertThatThrownBy(() -> Datasets.csv(file, 2))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("no samples");
    }

    @Test
    void csvNeedsAPositiveClassCount()
            throws IOException
    {
        Path file = csv("1,0");

        assertThatThrownBy(() -> Datasets.csv(file, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
    }

    @Test
    void arraysBecomeADataset()
    {
        Dataset data = Datasets.of(new float[][] {{1, 2, 3}, {4, 5, 6}}, new float[][] {{1, 0}, {0, 1}});

        assertThat(data.size()).isEqualTo(2);
        assertThat(data.featureCount()).isEqualTo(3);
        assertThat(data.labelCount()).isEqualTo(2);
        assertThat(TestDataset.Rows.all(data).features()).isDeepEqualTo(new float[][] {{1, 2, 3}, {4, 5, 6}});
    }

    @Test
    void arraysWithMismatchedRowCountsAreRejected()
    {
        assertThatThrownBy(() -> Datasets.of(new float[][] {{1}, {2}, {3}}, new float[][] {{1}, {0}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 feature rows but 2 label rows");
    }

    @Test
    void raggedOrEmptyArraysAreRejected()
    {
        assertThatThrownBy(() -> Datasets.of(new float[][] {{1, 2}, {3}}, new float[][] {{1}, {0}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature row 1 has 1 values, expected 2");
        assertThatThrownBy(() -> Datasets.of(new float[][] {{1}, {3}}, new float[][] {{1, 0}, {0}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label row 1");
        assertThatThrownBy(() -> Datasets.of(new float[0][], new float[0][]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one sample");
    }

    private Path csv(String... lines)
            throws IOException
    {
        Path file = Files.createTempFile(directory, "data", ".csv");
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }
}
