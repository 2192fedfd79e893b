package io.seqguard.purge;

import io.seqguard.spi.ForwardingSequenceStore;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A real store whose purges fail on demand and are recorded. */
final class FlakyStore extends ForwardingSequenceStore {
    final List<Instant> cutoffs = new ArrayList<>();
    boolean failPurges;

    FlakyStore(SequenceStore delegate) {
        super(delegate);
    }

    @Override
    public long purgeErrorsBefore(Instant cutoff) {
        cutoffs.add(cutoff);
        if (failPurges) {
            throw new StorageException(StorageException.Kind.TRANSIENT, "database is locked (test)");
        }
        return super.purgeErrorsBefore(cutoff);
    }
}
