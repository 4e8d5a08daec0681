package casefile

// Statements lists every SQL statement of this package, prepared by internal/server's statements test.
func Statements() []string {
	return []string{nextFileID, insertFile, queryCaseFiles, queryLawsuitFiles, queryCaseFile, queryLawsuitFile, lockFile,
		withdrawFile, insertRead, queryCaseReads, insertChunk, queryChunk, insertArchive, queryArchive, queryArchivePDF, insertSupplement,
		queryOrders, insertInspection, queryInspections}
}
