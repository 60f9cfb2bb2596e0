return function(C) return {} end
