// Placeholder: the Divolte-compatible server is being written (issue #16).
console.error('not yet implemented');
process.exit(2);
